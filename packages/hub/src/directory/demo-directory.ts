// DEMO DATA. A directory shaped like the national one so a fresh hub can be tried end to end.
// Names are real; the code assignments are illustrative only and are NOT the official register
// (Decision 20/2020/QĐ-TTg). Every entry is loaded with `demo: true`.

import type { AgencyInput } from '../core/contract.js';

const MINISTRIES = [
  'Bộ Quốc phòng',
  'Bộ Công an',
  'Bộ Ngoại giao',
  'Bộ Nội vụ',
  'Bộ Tư pháp',
  'Bộ Kế hoạch và Đầu tư',
  'Bộ Tài chính',
  'Bộ Công Thương',
  'Bộ Nông nghiệp và Phát triển nông thôn',
  'Bộ Giao thông vận tải',
  'Bộ Tài nguyên và Môi trường',
  'Bộ Thông tin và Truyền thông',
  'Bộ Lao động - Thương binh và Xã hội',
  'Bộ Văn hóa, Thể thao và Du lịch',
  'Bộ Khoa học và Công nghệ',
  'Bộ Giáo dục và Đào tạo',
  'Bộ Xây dựng',
  'Bộ Y tế',
  'Ủy ban Dân tộc',
  'Ngân hàng Nhà nước Việt Nam',
  'Thanh tra Chính phủ',
  'Văn phòng Chính phủ',
  'Đài Tiếng nói Việt Nam',
  'Đài Truyền hình Việt Nam',
  'Thông tấn xã Việt Nam',
  'Học viện Chính trị quốc gia Hồ Chí Minh',
  'Viện Hàn lâm Khoa học và Công nghệ Việt Nam',
  'Viện Hàn lâm Khoa học xã hội Việt Nam',
  'Bảo hiểm xã hội Việt Nam',
  'Ban Quản lý Lăng Chủ tịch Hồ Chí Minh',
  'Ủy ban Quản lý vốn nhà nước tại doanh nghiệp',
];

/** [name, is a centrally-run city] in the order of their demo codes H01…H63 */
const PROVINCES: Array<[string, boolean]> = [
  ['An Giang', false],
  ['Bà Rịa - Vũng Tàu', false],
  ['Bạc Liêu', false],
  ['Bắc Giang', false],
  ['Bắc Kạn', false],
  ['Bắc Ninh', false],
  ['Bến Tre', false],
  ['Bình Dương', false],
  ['Bình Định', false],
  ['Bình Phước', false],
  ['Bình Thuận', false],
  ['Cà Mau', false],
  ['Cao Bằng', false],
  ['Cần Thơ', true],
  ['Đà Nẵng', true],
  ['Đắk Lắk', false],
  ['Đắk Nông', false],
  ['Điện Biên', false],
  ['Đồng Nai', false],
  ['Đồng Tháp', false],
  ['Gia Lai', false],
  ['Hà Giang', false],
  ['Hà Nam', false],
  ['Hà Nội', true],
  ['Hà Tĩnh', false],
  ['Hải Dương', false],
  ['Hải Phòng', true],
  ['Hậu Giang', false],
  ['Hòa Bình', false],
  ['Hồ Chí Minh', true],
  ['Hưng Yên', false],
  ['Khánh Hòa', false],
  ['Kiên Giang', false],
  ['Kon Tum', false],
  ['Lai Châu', false],
  ['Lạng Sơn', false],
  ['Lào Cai', false],
  ['Lâm Đồng', false],
  ['Long An', false],
  ['Nam Định', false],
  ['Nghệ An', false],
  ['Ninh Bình', false],
  ['Ninh Thuận', false],
  ['Phú Thọ', false],
  ['Phú Yên', false],
  ['Quảng Bình', false],
  ['Quảng Nam', false],
  ['Quảng Ngãi', false],
  ['Quảng Ninh', false],
  ['Quảng Trị', false],
  ['Sóc Trăng', false],
  ['Sơn La', false],
  ['Tây Ninh', false],
  ['Thái Bình', false],
  ['Thái Nguyên', false],
  ['Thanh Hóa', false],
  ['Thừa Thiên Huế', false],
  ['Tiền Giang', false],
  ['Trà Vinh', false],
  ['Tuyên Quang', false],
  ['Vĩnh Long', false],
  ['Vĩnh Phúc', false],
  ['Yên Bái', false],
];

export const DEMO_TENANT = 'vxp.saas.03';

const two = (n: number): string => String(n).padStart(2, '0');

function build(): AgencyInput[] {
  const out: AgencyInput[] = [
    { code: '000.00.00.A01', name: 'Văn phòng Trung ương Đảng', email: 'vptw@dangcongsan.vn' },
  ];
  MINISTRIES.forEach((name, i) => {
    out.push({ code: `000.00.00.G${two(i + 1)}`, name });
  });
  PROVINCES.forEach(([name, city], i) => {
    out.push({ code: `000.00.00.H${two(i + 1)}`, name: `UBND ${city ? 'thành phố' : 'tỉnh'} ${name}` });
  });
  out.push(
    // Tây Ninh (H53): departments, the provincial Party office, a city and a ward
    { code: '000.00.01.H53', name: 'Văn phòng UBND tỉnh Tây Ninh' },
    { code: '000.00.11.H53', name: 'Sở Tài chính tỉnh Tây Ninh', email: 'stc@tayninh.gov.vn' },
    { code: '000.00.12.H53', name: 'Sở Thông tin và Truyền thông tỉnh Tây Ninh' },
    {
      code: '000.00.01.A53',
      parentCode: '000.00.00.H53',
      name: 'Văn phòng Tỉnh ủy Tây Ninh',
      email: 'vptu@tayninh.gov.vn',
    },
    { code: '000.00.30.H53', name: 'UBND thành phố Tây Ninh' },
    { code: '000.01.30.H53', name: 'UBND Phường 1, thành phố Tây Ninh' },
    { code: '000.02.30.H53', name: 'UBND Phường 2, thành phố Tây Ninh' },
    // Nghệ An (H41)
    { code: '000.00.01.H41', name: 'Văn phòng UBND tỉnh Nghệ An' },
    { code: '000.00.11.H41', name: 'Sở Tài chính tỉnh Nghệ An' },
    { code: '000.00.12.H41', name: 'Sở Thông tin và Truyền thông tỉnh Nghệ An' },
    { code: '000.00.24.H41', name: 'UBND thành phố Vinh' },
    { code: '000.46.24.H41', name: 'UBND phường Hưng Bình, thành phố Vinh' },
    { code: '000.47.24.H41', name: 'UBND phường Lê Lợi, thành phố Vinh' },
    { code: '000.00.25.H41', name: 'UBND huyện Nghi Lộc' },
    // a shared-server tenant and the units it serves
    { code: DEMO_TENANT, name: 'Máy chủ dùng chung (demo)', isTenant: true },
    { code: '000.00.32.H53', name: 'UBND thị xã Hòa Thành', tenantId: DEMO_TENANT },
    { code: '000.01.32.H53', name: 'UBND phường Long Hoa, thị xã Hòa Thành', tenantId: DEMO_TENANT },
  );
  return out.map((a) => ({ ...a, demo: true }));
}

export const DEMO_DIRECTORY: readonly AgencyInput[] = build();

/** Systems whose demo credentials initDemo returns directly (all of them are written to the file). */
export const DEMO_FEATURED = [
  '000.00.00.G22',
  '000.00.00.H41',
  '000.00.00.H53',
  '000.00.11.H53',
  '000.00.01.A53',
  DEMO_TENANT,
];
